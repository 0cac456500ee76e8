#pragma once

class QLabel;

namespace Curtain::Ui {

// Makes a label's text selectable with the mouse (a version, a status line, an error to paste into a
// ticket) from the moment the pointer first enters it. A selectable QLabel lays out and paints its
// text through a QTextDocument: for the two environment panels' eighteen labels that was 7–8 ms of
// the GUI thread's CPU before the first frame, for a feature no one uses before pointing at a label.
void makeCopyable(QLabel &label);

} // namespace Curtain::Ui
