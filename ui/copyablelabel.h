#pragma once

class QLabel;

namespace Curtain::Ui {

// Makes a label's text selectable with the mouse (a version, a replica count, a status line to paste
// into a ticket). A selectable QLabel lays out and paints its text through a QTextDocument, which the
// first frame pays for before anyone points at a label; so a one-line label becomes selectable when
// the pointer first enters it (its size is the same either way). A word-wrapped one is selectable at
// once: a QTextDocument prefers it narrower and taller than QLabel's own rule, and the switch would
// move the layout around it at its next change of text.
void makeCopyable(QLabel &label);

} // namespace Curtain::Ui
