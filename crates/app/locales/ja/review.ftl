# 評価機関の★4 審査（要求事項ごとのページ、まとめて保存、進み具合、認証の可否）。

review-progress-title = 審査の進み具合
review-judged = 判定済み { $n }
review-nonconform-count = 不適合 { $n }
review-more-evidence-count = 追加の証跡が必要 { $n }
review-jump-left = まだ判定していない基準へ進む
review-msg-none-left = すべての評価基準を判定しました。下の「最終判定」に進めます。
review-msg-all-judged = 保存しました。すべての評価基準を判定しました。
review-requirements-title = 要求事項ごとの判定
review-position = 要求事項 { $n }
review-overall = 全体
review-msg-saved = 要求事項 { $n } の判定を保存しました。続けてこのページの基準を判定してください。
review-pager = 要求事項の移動
review-prev = 前の要求事項
review-next = 次の要求事項
review-overview = 審査の一覧に戻る
review-help = 基準ごとに判定を選び、最後に「保存して次へ」を押してください。判定しない基準は「未判定」のままで構いません。「不適合」「追加の証跡が必要」には理由を書いてください。
review-supplier-answer = 取引先の回答
review-supplier-comment = 取引先のコメント
review-not-judged = 未判定
review-finding-comment = 判定のコメント（「不適合」「追加の証跡が必要」のときは必ず書いてください）
review-btn-save = 保存して次へ
review-why-title = まだ「認証する」は選べません。次のことを済ませてください。
review-why-unjudged = まだ判定していない評価基準が { $n } 件あります。
review-why-nonconform = 「不適合」と判定した評価基準が { $n } 件あります。取引先が直すまで認証できません。
review-why-more-evidence = 「追加の証跡が必要」と判定した評価基準が { $n } 件あります。証跡を確かめて判定し直してください。
review-why-technical = 技術検証の結果がまだ記録されていません。
review-err-criterion = { $criterion } という評価基準はありません。
review-err-verdict = { $criterion } の判定は「適合」「不適合」「追加の証跡が必要」のどれかを選んでください。
review-err-verdict-comment = { $criterion } を「不適合」または「追加の証跡が必要」とするときは、理由を書いてください。
review-err-comment-without-verdict = { $criterion } にコメントがありますが、判定が選ばれていません。判定を選んでください。

field-findings = 判定
field-findings-criterion-id = 評価基準
field-findings-verdict = 判定
field-findings-comment = 判定のコメント
review-reset-verdict = 未判定に戻す（記録した判定を取り消す）
