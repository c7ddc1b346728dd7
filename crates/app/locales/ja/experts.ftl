# Security experts (情報処理安全確保支援士) and engagements.
expert-err-too-many = 項目が多すぎます。
expert-err-language = 言語は ja、en、pt-BR のような言語コードで入力してください。
expert-err-qualification-kind = 資格の種類は riss（情報処理安全確保支援士）または scs_training（制度の専門家研修修了）です。
expert-err-qualification-number = 登録番号は英数字とハイフンで32文字までです。
expert-err-unavailable = この専門家は承認済みでないか、現在新しい依頼を受け付けていません。
expert-err-self = 自分自身に依頼することはできません。
expert-err-not-approved = 運営者による資格確認が済んでいないため、まだ依頼を承諾できません。
expert-err-confirmation-missing = ★3の宣言には、セキュリティ専門家（情報処理安全確保支援士など）による自己評価の確認が必要です。契約中の専門家に確認を依頼してください。
expert-err-confirmation-stale = 専門家の確認後に回答または証跡が変更されました。専門家に改めて確認を依頼してください。
engagement-err-open = この専門家にはすでに依頼中または契約中です。
engagement-err-not-requested = この依頼はすでに回答済みか終了しています。
engagement-err-closed = この契約はすでに終了しています。

engagement-notif-requested-title = { $client } から助言の依頼
engagement-notif-requested-body = { $client } がセキュリティ専門家としての助言と★3の確認を依頼しています。「専門家契約」の画面で承諾または辞退できます。
engagement-notif-accepted-title = { $expert } が依頼を承諾しました
engagement-notif-accepted-body = { $expert } が契約を承諾しました。専門家は契約中、貴社の自己評価・証跡・検査結果を閲覧し、評価基準ごとに助言できます。閲覧は監査ログに記録されます。
engagement-notif-declined-title = { $expert } が依頼を辞退しました
engagement-notif-declined-body = { $expert } は今回の依頼を辞退しました。専門家一覧から別の専門家を探せます。
engagement-notif-ended-title = { $other } との契約が終了しました
engagement-notif-ended-body = { $other } との専門家契約が終了しました。専門家による閲覧はこの時点で止まります。
expert-notif-confirmed-title = { $expert } が自己評価を確認しました
expert-notif-confirmed-body = { $expert } が貴社の自己評価を確認しました。回答を変更しなければ、このまま★3を宣言できます。

engagement-kind-requested = 専門家への依頼
engagement-kind-accepted = 専門家の承諾
engagement-kind-declined = 専門家の辞退
engagement-kind-ended = 専門家契約の終了
expert-kind-confirmed = 専門家の確認

expert-status-pending = 確認待ち
expert-status-approved = 承認済み
expert-status-withdrawn = 取消済み
engagement-status-requested = 依頼中
engagement-status-active = 契約中
engagement-status-declined = 辞退
engagement-status-ended = 終了
expert-qualification-riss = 情報処理安全確保支援士
expert-qualification-scs-training = SCS専門家研修修了

expert-attention-confirm = 確認待ち（★3の基準をすべて満たしました）
expert-attention-stale = 確認後に変更あり
expert-attention-progress = 回答中
expert-attention-not-started = 未着手
expert-attention-done = 対応不要
