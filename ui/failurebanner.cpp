#include "failurebanner.h"

#include "theme.h"

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>

namespace Curtain::Ui {

namespace {

const QMargins bannerBorder(5, 1, 1, 1); // a band on the left in the danger colour
const QColor bannerFill(0xfd, 0xec, 0xea);
const QColor bannerText(0x5f, 0x11, 0x11);

} // namespace

FailureBanner::FailureBanner(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("failureBanner"));
    setFrameShape(QFrame::NoFrame); // paintEvent draws the frame
    setContentsMargins(bannerBorder);
    setAccessibleName(tr("Failed action"));
    // A tinted background with dark text keeps the contrast in light and dark palettes alike.
    Theme::setTextColor(*this, bannerText);
    m_headline = new QLabel(this);
    m_headline->setObjectName(QStringLiteral("failureHeadline"));
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setWordWrap(true);
    QFont bold = m_headline->font();
    bold.setBold(true);
    m_headline->setFont(bold);
    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("failureDetail"));
    m_detail->setTextFormat(Qt::PlainText);
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse); // to paste into a ticket
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setObjectName(QStringLiteral("bannerRetryButton"));
    m_dismiss = new QPushButton(tr("Dismiss"), this);
    m_dismiss->setObjectName(QStringLiteral("bannerDismissButton"));

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(12, 6, 8, 6);
    layout->addWidget(m_headline, 0, 0);
    layout->addWidget(m_detail, 1, 0);
    layout->addWidget(m_retry, 0, 1, 2, 1, Qt::AlignVCenter);
    layout->addWidget(m_dismiss, 0, 2, 2, 1, Qt::AlignVCenter);
    layout->setColumnStretch(0, 1);
    connect(m_retry, &QPushButton::clicked, this, &FailureBanner::retryRequested);
    connect(m_dismiss, &QPushButton::clicked, this, &FailureBanner::dismissRequested);
    setVisible(false);
}

void FailureBanner::setAcknowledgeOnly(const QString &objectName)
{
    setObjectName(objectName);
    m_retry->hide();
    m_retry->setEnabled(false);
    m_dismiss->setText(tr("Acknowledge"));
    m_dismiss->setObjectName(objectName + QStringLiteral("AcknowledgeButton"));
}

void FailureBanner::showFailure(const QString &headline, const QString &detail)
{
    m_headline->setText(headline);
    m_detail->setText(detail);
    setVisible(true);
}

QString FailureBanner::text() const
{
    return !isHidden() ? m_headline->text() + QLatin1Char('\n') + m_detail->text() : QString();
}

void FailureBanner::paintEvent(QPaintEvent *)
{
    Theme::paintAccentFrame(*this, Theme::danger(), bannerBorder, bannerFill);
}

} // namespace Curtain::Ui
