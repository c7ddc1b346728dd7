# Issue 12 (part 2): the buyer's "exposed to intelligence" badge and its explanation page.
intel2-badge-exposed = 脅威情報の該当あり（{ $n }件）
intel2-suppliers-title = 脅威情報に該当した取引先
intel2-suppliers-help = 評価結果を共有してくれている取引先について、業界団体が共有した脅威情報（脆弱性や攻撃の指標）のうち公開してよいもの（TLP:CLEAR と TLP:GREEN）に、その取引先のソフトウェア一覧（SBOM）の部品が該当したものを表示しています。共有範囲が限られた情報（TLP:AMBER、TLP:RED）はここには出ません。
intel2-suppliers-next = 該当した取引先に連絡し、対象の部品を更新・対策したかを確認してください。取引先が Shirube で対応を記録すると、この一覧から外れます。
intel2-suppliers-none = 今のところ、脅威情報に該当した取引先はありません。
intel2-back-to-suppliers = 取引先一覧に戻る
