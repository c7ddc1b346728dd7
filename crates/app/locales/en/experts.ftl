# Security experts (情報処理安全確保支援士) and engagements.
expert-err-too-many = Too many entries.
expert-err-language = Give languages as language codes such as ja, en or pt-BR.
expert-err-qualification-kind = The qualification is riss (Registered Information Security Specialist) or scs_training (the scheme's expert training).
expert-err-qualification-number = The number is up to 32 letters, digits and hyphens.
expert-err-unavailable = This expert is not approved or does not accept new clients at the moment.
expert-err-self = You cannot engage yourself.
expert-err-not-approved = The operator has not checked your qualification yet, so you cannot accept requests.
expert-err-confirmation-missing = A ★3 declaration needs a security expert (such as a Registered Information Security Specialist) to confirm the self-assessment first. Ask your engaged expert to confirm it.
expert-err-confirmation-stale = Answers or evidence changed after the expert confirmed them. Ask the expert to confirm again.
engagement-err-open = You have already asked or engaged this expert.
engagement-err-not-requested = This request has already been answered or withdrawn.
engagement-err-closed = This engagement has already ended.

engagement-notif-requested-title = { $client } asks for your advice
engagement-notif-requested-body = { $client } asks you to advise it as a security expert and to confirm its ★3. Accept or decline on the Engagements page.
engagement-notif-accepted-title = { $expert } accepted your request
engagement-notif-accepted-body = { $expert } accepted the engagement. While it lasts, the expert reads your assessments, evidence and check results and advises per criterion; every read is in your audit log.
engagement-notif-declined-title = { $expert } declined your request
engagement-notif-declined-body = { $expert } declined this request. You can find another expert in the directory.
engagement-notif-ended-title = The engagement with { $other } ended
engagement-notif-ended-body = The expert engagement with { $other } has ended. The expert's access stopped at that moment.
expert-notif-confirmed-title = { $expert } confirmed your self-assessment
expert-notif-confirmed-body = { $expert } confirmed your self-assessment. As long as the answers stay as they are, you can declare ★3.

engagement-kind-requested = Request to an expert
engagement-kind-accepted = Expert accepted
engagement-kind-declined = Expert declined
engagement-kind-ended = Expert engagement ended
expert-kind-confirmed = Expert confirmation

expert-status-pending = Awaiting check
expert-status-approved = Approved
expert-status-withdrawn = Withdrawn
engagement-status-requested = Requested
engagement-status-active = Active
engagement-status-declined = Declined
engagement-status-ended = Ended
expert-qualification-riss = Registered Information Security Specialist (RISS)
expert-qualification-scs-training = SCS expert training

expert-attention-confirm = Waiting for confirmation (every ★3 criterion met)
expert-attention-stale = Changed since confirmation
expert-attention-progress = Answering
expert-attention-not-started = Not started
expert-attention-done = Nothing to do
