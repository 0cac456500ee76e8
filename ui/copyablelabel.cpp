#include "copyablelabel.h"

#include <QEvent>
#include <QLabel>

namespace Curtain::Ui {

namespace {

// Switches selection on at the first Enter and then removes itself: a press always follows an Enter.
class SelectOnEnter final : public QObject
{
public:
    explicit SelectOnEnter(QLabel &label) : QObject(&label), m_label(label) { label.installEventFilter(this); }

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Enter) {
            m_label.removeEventFilter(this);
            m_label.setTextInteractionFlags(Qt::TextSelectableByMouse);
            deleteLater();
        }
        return false;
    }

private:
    QLabel &m_label;
};

} // namespace

void makeCopyable(QLabel &label)
{
    if (label.wordWrap()) {
        label.setTextInteractionFlags(label.textInteractionFlags() | Qt::TextSelectableByMouse);
    } else if (!(label.textInteractionFlags() & Qt::TextSelectableByMouse)) {
        new SelectOnEnter(label); // the label owns it
    }
}

} // namespace Curtain::Ui
