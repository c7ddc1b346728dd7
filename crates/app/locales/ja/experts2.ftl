# Security experts, part 2: the workspace at scale, an existing user becoming an expert.
expert2-workspace-rules = 「古い証跡」は、日付が{ $stale }より前（今日から{ $months }か月より前）の証跡の数です。「新しい脆弱性」は、過去{ $days }日以内に実行された脆弱性チェック（ファイルの登録と、新しい脆弱性情報による自動の再チェック）で見つかった件数です。
expert2-label-blockers = 目標の妨げ
expert2-blockers-more = { $list } ほか{ $n }件
expert2-label-stale = 古い証跡
expert2-label-findings = 新しい脆弱性
expert2-page-become = 今のアカウントで支援士として登録する
expert2-signup-have-account = すでにShirubeのアカウントをお持ちの方は、新しいアカウントを作らずに登録できます。
expert2-link-become = 今のアカウントで支援士として登録する
expert2-engagements-are-you = あなたが情報処理安全確保支援士などの専門家なら、
expert2-become-lead = 資格と対応できる地域・業種を入力してください。運営者が公開されている登録簿で資格を確認してから、一覧に載ります。
expert2-become-practice = 支援先からの依頼や通知は「{ $org }」の受信箱に届きます。「{ $org }」の作業はこれまでどおり続けられます。なお、「{ $org }」自身があなたに支援を依頼することはできません。
expert2-btn-become = 支援士として登録する
expert2-become-status = 支援士として登録済みです（状態：{ $status }）。
expert2-become-next = 運営者の確認が終わると、専門家の一覧に載り、会社から依頼を受けられます。依頼や支援先は「専門家」のページで確認できます。
expert2-link-engagements = 依頼と支援先を見る
expert2-err-already = あなたはすでに支援士として登録しています。登録内容の確認は「専門家」のページで行えます。
