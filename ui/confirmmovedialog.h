#pragma once

#include "core/confirmation.h"

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace Curtain::Ui {

// Asks once before traffic moves towards a version that is not the known-good one, naming the
// context, the release and what changes. Cancel is the default: Enter or Escape changes nothing.
// In a protected context the release's name must be typed before the move can be confirmed.
class ConfirmMoveDialog final : public QDialog
{
    Q_OBJECT

public:
    ConfirmMoveDialog(const QString &context, const QString &release, const Core::UnprovenMove &move,
                      bool protectedContext, QWidget *parent = nullptr);

    QString summary() const { return m_summary; } // "prod-eu · demo/catalog: green v2.4.0 0 % → 100 %"

private:
    QString m_summary;
    QPushButton *m_confirm;
    QLineEdit *m_typed = nullptr;
};

} // namespace Curtain::Ui
