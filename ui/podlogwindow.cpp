#include "podlogwindow.h"

#include "theme.h"

#include "core/displaytext.h"
#include "engine/releaseengine.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QVBoxLayout>

namespace Curtain::Ui {

PodLogWindow::PodLogWindow(Engine::ReleaseEngine *engine, const QString &namespaceName, const QString &pod,
                           QWidget *parent)
    : QWidget(parent, Qt::Window), m_engine(engine), m_text(new QPlainTextEdit(this)),
      m_follow(new QCheckBox(tr("&Follow"), this)), m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("podLogWindow"));
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("Log — %1/%2").arg(Core::shown(namespaceName), Core::shown(pod)));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setMaximumBlockCount(5'000);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setAccessibleName(tr("Log of %1").arg(pod));
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest line in view"));
    m_status->setObjectName(QStringLiteral("logStatus"));
    m_status->setWordWrap(true);
    m_status->setText(tr("Following %1 (the last 200 lines, then new ones)…").arg(Core::shown(pod)));
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_follow);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text, 1);
    layout->addLayout(bottom);
    resize(900, 480);

    connect(m_engine, &Engine::ReleaseEngine::logText, this, [this](quint64 id, const QString &text) {
        if (id == m_stream) {
            append(text);
        }
    });
    connect(m_engine, &Engine::ReleaseEngine::logEnded, this, [this](quint64 id, const QString &error) {
        if (id != m_stream) {
            return;
        }
        m_stream = 0;
        if (error.isEmpty()) {
            m_status->setText(
                tr("The log stream ended: the container stopped or restarted, the pod was deleted, or the server "
                   "closed it. Open the log again to follow a new run."));
        } else {
            m_status->setText(tr("The log could not be read: %1").arg(Core::shown(error, 300)));
            QPalette palette = m_status->palette();
            palette.setColor(QPalette::WindowText, Theme::danger(palette));
            m_status->setPalette(palette);
        }
    });
    m_stream = m_engine->followLog(namespaceName, pod, 200);
}

PodLogWindow::~PodLogWindow()
{
    stop();
}

void PodLogWindow::closeEvent(QCloseEvent *event)
{
    stop();
    event->accept();
}

void PodLogWindow::stop()
{
    if (m_stream != 0) {
        m_engine->stopLog(std::exchange(m_stream, 0));
    }
}

void PodLogWindow::append(const QString &text)
{
    // Whole lines only, each without control characters a pod could use to rewrite the screen.
    m_partial += text;
    const qsizetype end = m_partial.lastIndexOf(QLatin1Char('\n'));
    if (end < 0) {
        return;
    }
    QStringList lines = m_partial.left(end).split(QLatin1Char('\n'));
    m_partial = m_partial.mid(end + 1);
    for (QString &line : lines) {
        line = Core::withoutControlCharacters(line);
    }
    const bool atBottom = m_text->verticalScrollBar()->value() == m_text->verticalScrollBar()->maximum();
    m_text->appendPlainText(lines.join(QLatin1Char('\n')));
    if (m_follow->isChecked() || atBottom) {
        m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());
    }
}

QString PodLogWindow::text() const
{
    return m_text->toPlainText();
}

QString PodLogWindow::statusText() const
{
    return m_status->text();
}

} // namespace Curtain::Ui
