# The supplier's criterion page and its evidence (issue 10, items 2 and 7).

# Why an assessment cannot be changed, and what happens next.
assess-readonly-submitted = This assessment was submitted to an evaluation body, so its answers and evidence cannot be changed. Please wait for the body's result; if it is sent back, you can change it again.
assess-readonly-declared = The ★3 self-declaration has been made, so this assessment cannot be changed. To review it, start a new assessment from the assessments list that carries these answers over.
assess-readonly-certified = This assessment was certified at ★4, so it cannot be changed. To review it, start a new assessment from the assessments list that carries these answers over.
assess-readonly-superseded = A newer assessment has taken over from this one; it is kept as a record. Make changes in the newer assessment.
assess-readonly-viewer = Your role is "Viewer", so you cannot change answers or evidence. If you need to, ask an owner of your organisation to change your role.
assess-open-newer = Open the newer assessment

# Evidence.
evidence-help-one-form = Adding a file or a link also saves the status and note chosen above.
evidence-help-date = The day the record was made or checked. It cannot be later than today (Japan time).
evidence-err-file-type = This type of file cannot be added. Use PDF, Word, Excel, PowerPoint, OpenDocument, text (.txt, .md), CSV, PNG or JPEG images, or ZIP.
evidence-err-file-content = The file's content does not match its name (extension). Choose a PDF, Word, Excel, PowerPoint, OpenDocument, text (.txt, .md), CSV, PNG or JPEG image, or ZIP file again, under its original name.
evidence-err-future = The evidence date cannot be in the future. Use today (in Japan: { $today }) or an earlier day.
evidence-err-confirm = To withdraw, press the "Withdraw" button.
evidence-btn-withdraw = Withdraw
evidence-withdraw-title = Withdraw this evidence?
evidence-withdraw-explain = Withdrawn evidence is no longer shown or counted for this criterion, and customers, experts and evaluation bodies can no longer open it. This is for removing something added by mistake. It stays in the record (the history of changes). If needed, add the right file again.
evidence-btn-withdraw-confirm = Withdraw
evidence-withdraw-cancel = Go back without withdrawing
evidence-msg-withdrawn = The evidence was withdrawn; it stays in the record. If needed, add the right file.

# Field names used in error messages.
field-evidence-date = Evidence date
