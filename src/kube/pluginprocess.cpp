#include "kube/pluginprocess.h"

#include "core/displaytext.h"
#include "kube/inputfile.h"
#include "kube/inputlimits.h"

namespace Curtain::Kube {

namespace {

constexpr qsizetype errorTailBytes = 4096; // enough for the last lines of a helper's complaint

Core::Error problem(const QString &message)
{
    return Core::makeError(Core::ErrorKind::Unauthorized, message);
}

} // namespace

PluginProcess::PluginProcess(int timeoutMs, QObject *parent, Done done)
    : QObject(parent), m_timeoutMs(timeoutMs), m_done(std::move(done))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        answer(problem(QStringLiteral("timed out after %1 s; it may be waiting for input no one can give here "
                                      "(CURTAIN_EXEC_PLUGIN_TIMEOUT sets the time in seconds)")
                           .arg(m_timeoutMs / 1000.0)));
    });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &PluginProcess::readOutput);
    connect(&m_process, &QProcess::readyReadStandardError, this, &PluginProcess::readErrors);
    connect(&m_process, &QProcess::finished, this, &PluginProcess::ended);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) { // no finished() follows
            answer(problem(QStringLiteral("could not be started: %1").arg(m_process.errorString())));
            deleteLater();
        }
    });
}

PluginProcess::~PluginProcess()
{
    if (m_process.state() != QProcess::NotRunning) { // the owner went away mid-run
        m_process.kill();
        m_process.waitForFinished(1000);
    }
}

void PluginProcess::run(const QString &program, const QStringList &arguments, const QProcessEnvironment &environment,
                        int timeoutMs, QObject *parent, Done done)
{
    auto *run = new PluginProcess(timeoutMs, parent, std::move(done));
    run->m_process.setProcessEnvironment(environment);
    run->m_process.setStandardInputFile(QProcess::nullDevice()); // never interactive: there is no terminal
    run->m_deadline.start(timeoutMs);
    run->m_process.start(program, arguments);
}

void PluginProcess::readOutput()
{
    if (!m_done) { // answered already: drain what a killed plugin still had in the pipe
        m_process.readAllStandardOutput();
        return;
    }
    m_output += m_process.readAllStandardOutput();
    if (m_output.size() > Limits::maxExecOutputBytes) {
        m_output.clear();
        answer(problem(QStringLiteral("printed more than %1 on standard output, the limit for exec plugins")
                           .arg(describeBytes(Limits::maxExecOutputBytes))));
    }
}

void PluginProcess::readErrors()
{
    m_errorTail += m_process.readAllStandardError();
    m_errorTail = m_errorTail.right(errorTailBytes);
}

void PluginProcess::ended(int exitCode, QProcess::ExitStatus status)
{
    m_deadline.stop();
    readOutput();
    readErrors();
    if (status != QProcess::NormalExit || exitCode != 0) {
        const QString said = QString::fromUtf8(m_errorTail.trimmed().right(300));
        answer(problem(QStringLiteral("exited with code %1%2")
                           .arg(exitCode)
                           .arg(said.isEmpty() ? QString() : QStringLiteral(": ") + Core::shown(said, 300))));
    } else {
        answer(m_output);
    }
    deleteLater();
}

void PluginProcess::answer(const Core::Result<QByteArray> &result)
{
    if (!m_done) {
        return;
    }
    m_deadline.stop();
    const Done done = std::exchange(m_done, {});
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill(); // finished() follows, and deletes this
    }
    done(result);
}

} // namespace Curtain::Kube
