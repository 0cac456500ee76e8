#include "confirmmovedialog.h"

#include "theme.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Curtain::Ui {

ConfirmMoveDialog::ConfirmMoveDialog(const QString &context, const QString &release, const Core::UnprovenMove &move,
                                     bool protectedContext, QWidget *parent)
    : QDialog(parent), m_summary(QStringLiteral("%1 · %2: %3").arg(context, release, move.change))
{
    setObjectName(QStringLiteral("confirmMoveDialog"));
    setWindowTitle(tr("%1 on %2?").arg(move.verb, release));
    auto *summary = new QLabel(m_summary, this);
    summary->setObjectName(QStringLiteral("confirmSummary"));
    summary->setTextFormat(Qt::PlainText);
    summary->setWordWrap(true);
    QFont bold = summary->font();
    bold.setBold(true);
    bold.setPointSize(bold.pointSize() + 1);
    summary->setFont(bold);
    auto *why = new QLabel(tr("This sends traffic towards a version that is not the known-good one. Rollback "
                              "stays one click (Ctrl+R) and asks nothing."),
                           this);
    why->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    m_confirm = buttons->addButton(move.verb, QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("confirmButton"));
    // Enter must not confirm by habit: Cancel is the default, the move needs its own button.
    m_confirm->setAutoDefault(false);
    cancel->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addWidget(why);
    if (protectedContext) {
        auto *warning = new QLabel(tr("%1 is a protected context. Type the release's name, %2, to confirm.")
                                       .arg(context, release.section(QLatin1Char('/'), -1)),
                                   this);
        warning->setObjectName(QStringLiteral("protectedWarning"));
        warning->setWordWrap(true);
        warning->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg(Theme::danger().name()));
        m_typed = new QLineEdit(this);
        m_typed->setObjectName(QStringLiteral("typedReleaseName"));
        m_typed->setAccessibleName(tr("Release name to confirm"));
        m_typed->setPlaceholderText(release.section(QLatin1Char('/'), -1));
        m_confirm->setEnabled(false);
        const QString expected = release.section(QLatin1Char('/'), -1);
        connect(m_typed, &QLineEdit::textChanged, this,
                [this, expected](const QString &text) { m_confirm->setEnabled(text.trimmed() == expected); });
        layout->addWidget(warning);
        layout->addWidget(m_typed);
    }
    layout->addWidget(buttons);
    setMinimumWidth(520); // the change on one line: "green v2.4.0 0 % → 100 %" must not break inside a figure
    cancel->setFocus();
}

} // namespace Curtain::Ui
