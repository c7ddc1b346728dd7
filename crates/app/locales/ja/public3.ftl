# Products the organisation uses, as assessment evidence (issue 13, item 5).
pe-nav = 使っているセキュリティ製品
pe-title = 使っているセキュリティ製品
pe-lead = 会社で使っているセキュリティ製品に「使っていると登録する」を押してください。押した製品は、自己評価のうち、その製品で対応できる項目の証拠として自動で表示されます。使わなくなったら「使うのをやめた」を押してください。年間の支出の入力は任意です。入力すると、国産ベンダーへの支出の割合（自給率）の計算にだけ使われます。
pe-count = { $n ->
    [0] まだ製品を登録していません。
   *[other] { $n } 件の製品を使っていると登録しています。
}
pe-read-only = 閲覧のみの権限のため、登録や取り消しはできません。会社の管理者に依頼してください。
pe-empty = 製品の一覧がまだありません。一覧は公的機関が登録します。
pe-domestic = 国産
pe-in-use = 使っています
pe-declared-on = 登録日
pe-btn-declare = 使っていると登録する
pe-btn-withdraw = 使うのをやめた
pe-serves = 証拠になる評価項目
pe-msg-declared = 登録しました。作業中の自己評価の該当する項目に、証拠として表示されます。
pe-msg-withdrawn = 取り消しました。作業中の自己評価の証拠からも外れました。宣言済みの自己評価は変わりません。
pe-kind = 利用製品の申告
pe-help = 「使っているセキュリティ製品」で登録した製品です。自己評価を宣言すると、その時点で登録していた製品が記録として残ります。
pe-link-products = 使っている製品を見る・変える
pe-cat-edr = ウイルス対策・EDR
pe-cat-firewall_utm = ファイアウォール・UTM
pe-cat-email_security = メールセキュリティ
pe-cat-web_dns_filtering = 危険なサイトの遮断（Web・DNS フィルタ）
pe-cat-vulnerability_scanning = 脆弱性診断
pe-cat-backup = バックアップ
pe-cat-iam_mfa = ID 管理・多要素認証
pe-cat-siem_soc = ログ監視（SIEM・SOC）
pe-spend-label = 年間の支出（円・任意）
pe-spend-hint = この製品に1年で払っている金額です。例：120000。分からなければ空欄のままで構いません。入力した金額は個別には公表せず、国産ベンダーへの支出の割合（自給率）の計算にだけ使います。
pe-spend-none = 年間の支出は未入力です。
pe-spend-shown = 年間の支出：{ $amount }円
pe-spend-change = 年間の支出を入力・変更する
pe-spend-save = 支出を保存する
