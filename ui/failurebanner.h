#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace Curtain::Ui {

// A failed action on the selected release, above its panels: what failed, when, in the server's
// words, with Retry. It stays until it is dismissed or the release's next action succeeds — a
// status-bar line is overwritten by the next message, and a failed Rollback must not be missed.
class FailureBanner final : public QFrame
{
    Q_OBJECT

public:
    explicit FailureBanner(QWidget *parent = nullptr);

    // A notice rather than a failure: nothing to retry, and the button acknowledges it.
    void setAcknowledgeOnly(const QString &objectName);

    void showFailure(const QString &headline, const QString &detail);
    QString text() const; // headline and detail, as shown

Q_SIGNALS:
    void retryRequested();
    void dismissRequested();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QLabel *m_headline;
    QLabel *m_detail;
    QPushButton *m_retry;
    QPushButton *m_dismiss;
};

} // namespace Curtain::Ui
