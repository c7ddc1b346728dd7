# The supplier's criterion page and its evidence (issue 10, items 2 and 7).

# Why an assessment cannot be changed, and what happens next.
assess-readonly-submitted = 評価機関に提出済みのため、回答と証跡は変更できません。評価機関の結果をお待ちください。差し戻された場合は、また変更できるようになります。
assess-readonly-declared = ★3の自己適合宣言が済んでいるため、変更できません。見直すときは、「自己評価」の一覧から、この内容を引き継いだ新しい自己評価を始めてください。
assess-readonly-certified = ★4の認証を受けたため、変更できません。見直すときは、「自己評価」の一覧から、この内容を引き継いだ新しい自己評価を始めてください。
assess-readonly-superseded = この自己評価は新しい自己評価に引き継がれたため、記録として残しています。変更は新しい自己評価で行ってください。
assess-readonly-viewer = あなたの権限は「閲覧のみ」のため、回答や証跡は変更できません。変更が必要なときは、組織の管理者に権限の変更を頼んでください。
assess-open-newer = 新しい自己評価を開く

# Evidence.
evidence-help-one-form = ファイルやリンクを追加すると、上で選んだ実施状況とメモも一緒に保存されます。
evidence-help-date = その記録を作った日や確認した日です。今日（日本時間）より後の日付は入れられません。
evidence-err-file-type = このファイルの種類は登録できません。PDF、Word、Excel、PowerPoint、OpenDocument、テキスト（.txt・.md）、CSV、PNG・JPEG 画像、ZIP のいずれかにしてください。
evidence-err-file-content = ファイルの中身が名前（拡張子）と合いません。PDF、Word、Excel、PowerPoint、OpenDocument、テキスト（.txt・.md）、CSV、PNG・JPEG 画像、ZIP のいずれかを、元の名前のまま選び直してください。
evidence-err-future = 証跡の日付に未来の日は入れられません。今日（日本時間で { $today }）か、それより前の日にしてください。
evidence-err-confirm = 取り下げるときは「取り下げる」ボタンを押してください。
evidence-btn-withdraw = 取り下げる
evidence-withdraw-title = この証跡を取り下げますか
evidence-withdraw-explain = 取り下げた証跡は、この評価基準の証跡として表示されず、数えられず、取引先や専門家、評価機関も開けなくなります。間違えて追加したものを消すための操作です。記録（操作の履歴）には残ります。必要なら、正しいファイルをあらためて追加してください。
evidence-btn-withdraw-confirm = 取り下げる
evidence-withdraw-cancel = 取り下げずに戻る
evidence-msg-withdrawn = 証跡を取り下げました。記録には残っています。必要なら、正しいファイルを追加してください。

# Field names used in error messages.
field-evidence-date = 証跡の日付
