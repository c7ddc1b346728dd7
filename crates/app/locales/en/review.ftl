# The evaluation body's ★4 review (a page per requirement, one save per page, progress, why certify is not possible yet).

review-progress-title = Review progress
review-judged = Judged { $n }
review-nonconform-count = Does not conform { $n }
review-more-evidence-count = More evidence needed { $n }
review-jump-left = Go to the criteria not judged yet
review-msg-none-left = Every criterion is judged. You can go on to the final decision below.
review-msg-all-judged = Saved. Every criterion is judged.
review-requirements-title = Verdicts by requirement
review-position = Requirement { $n }
review-overall = Overall
review-msg-saved = Saved the verdicts of requirement { $n }. Go on with the criteria on this page.
review-pager = Move between requirements
review-prev = Previous requirement
review-next = Next requirement
review-overview = Back to the review overview
review-help = Choose a verdict for each criterion, then press "Save and continue". A criterion you do not judge yet can stay "Not judged yet". Give a reason for "Does not conform" and "More evidence needed".
review-supplier-answer = Supplier's answer
review-supplier-comment = Supplier's comment
review-not-judged = Not judged yet
review-finding-comment = Comment on the verdict (required for "Does not conform" and "More evidence needed")
review-btn-save = Save and continue
review-why-title = You cannot choose "Certify" yet. First:
review-why-unjudged = { $n ->
    [one] 1 criterion is not judged yet.
   *[other] { $n } criteria are not judged yet.
}
review-why-nonconform = { $n ->
    [one] 1 criterion is judged "Does not conform"; it must be fixed by the supplier first.
   *[other] { $n } criteria are judged "Does not conform"; they must be fixed by the supplier first.
}
review-why-more-evidence = { $n ->
    [one] 1 criterion is waiting for more evidence; check it and judge it again.
   *[other] { $n } criteria are waiting for more evidence; check them and judge them again.
}
review-why-technical = The technical verification is not recorded yet.
review-err-criterion = There is no criterion { $criterion }.
review-err-verdict = For { $criterion }, choose one of the verdicts: Conforms, Does not conform, or More evidence needed.
review-err-verdict-comment = For { $criterion }, give a reason when the verdict is "Does not conform" or "More evidence needed".
review-err-comment-without-verdict = { $criterion } has a comment but no verdict. Choose a verdict.

field-findings = Verdicts
field-findings-criterion-id = Criterion
field-findings-verdict = Verdict
field-findings-comment = Comment on the verdict
review-reset-verdict = Not judged (take the recorded verdict back)
review-message-label = Question or note for the supplier (optional)
review-message-help = When you save, it reaches the supplier in this criterion's thread. Use it to ask for more material, apart from the comment on the verdict.
field-findings-message = Question or note for the supplier
review-kind-submitted = ★4 evaluation request
review-notif-submitted-title = { $supplier } has submitted its ★4 for evaluation
review-notif-submitted-body = { $supplier } has finished its ★4 self-assessment and asks for your evaluation. Open “Evaluation queue” and record a verdict for each requirement.
