#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QTimer>

#include <functional>

namespace Curtain::Kube {

// One run of an exec credential plugin, bounded: its standard output may not pass
// Limits::maxExecOutputBytes nor its run time `timeoutMs`, and only the tail of its standard
// error is kept, for the message. A plugin past a bound is killed. The answer comes once, on the
// parent's thread: the output of a run that exited with code 0, or the problem in words that
// follow the plugin's name ("timed out after 30 s; …"). The object deletes itself once the
// process has ended.
class PluginProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PluginProcess)

public:
    using Done = std::function<void(const Core::Result<QByteArray> &output)>;

    static void run(const QString &program, const QStringList &arguments, const QProcessEnvironment &environment,
                    int timeoutMs, QObject *parent, Done done);
    ~PluginProcess() override;

private:
    PluginProcess(int timeoutMs, QObject *parent, Done done);
    void readOutput();
    void readErrors();
    void ended(int exitCode, QProcess::ExitStatus status);
    // Answers once; a process still running is killed and deletes this object when it ends.
    void answer(const Core::Result<QByteArray> &result);

    QProcess m_process;
    QTimer m_deadline;
    QByteArray m_output;
    QByteArray m_errorTail;
    int m_timeoutMs;
    Done m_done;
};

} // namespace Curtain::Kube
