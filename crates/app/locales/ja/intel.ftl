# 脅威インテリジェンス（STIX 2.1 / TAXII 2.1）：コレクション、マーキング、影響
intel-err-title = タイトルを1〜200文字で入力してください（制御文字は使えません）。
intel-err-description = 説明が長すぎます（4,000文字まで）。
intel-err-member-access = read、read_write、write のいずれかを選んでください。
intel-err-anonymous = x_shirube_anonymous は true か false にしてください。
intel-err-recipient = 受信者には、業界団体の有効な会員の法人番号を指定してください。
intel-access-read = 会員は閲覧のみ
intel-access-read-write = 会員は閲覧と追加
intel-access-write = 会員は追加のみ（投函箱）
intel-kind-exposure = 脅威インテリジェンスの影響
intel-notif-exposure-title = 脅威インテリジェンスが御社の使う部品を挙げています
intel-notif-exposure-body = コレクション「{ $collection }」の「{ $object }」が { $component } を挙げています（{ $file } に含まれます）。
intel-notif-exposure-restricted-body = コレクション「{ $collection }」のオブジェクトが { $component } を挙げています（{ $file } に含まれます）。マーキングによりコレクションの外には出せないため、Shirube 上でご確認ください。
