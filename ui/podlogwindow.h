#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QPlainTextEdit;

namespace Curtain::Engine {
class ReleaseEngine;
}

namespace Curtain::Ui {

// One pod's log, followed as `kubectl logs -f --tail 200` follows it: new lines appear as the pod
// writes them; 5xx lines are what a failing version logs. Following stops when the window closes.
// The last 5,000 lines are kept.
class PodLogWindow final : public QWidget
{
    Q_OBJECT

public:
    PodLogWindow(Engine::ReleaseEngine *engine, const QString &namespaceName, const QString &pod,
                 QWidget *parent = nullptr);
    ~PodLogWindow() override;

    QString text() const;
    QString statusText() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void append(const QString &text);
    void stop();

    Engine::ReleaseEngine *m_engine;
    quint64 m_stream = 0;
    QString m_partial; // a line not yet ended
    QPlainTextEdit *m_text;
    QCheckBox *m_follow;
    QLabel *m_status;
};

} // namespace Curtain::Ui
