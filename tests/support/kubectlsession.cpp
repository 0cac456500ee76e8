#include "kubectlsession.h"

namespace Curtain::Test {

bool KubectlSession::start(QString *error)
{
    m_kubectl = findProgram(QStringLiteral("kubectl"));
    if (m_kubectl.isEmpty()) {
        *error = QStringLiteral("kubectl is not installed: install the Debian package kubernetes-client "
                                "(./scripts/setup does)");
        return false;
    }
    if (!m_home.isValid()) {
        *error = QStringLiteral("no temporary directory for kubectl's HOME: %1").arg(m_home.errorString());
        return false;
    }
    return m_sim.start(error);
}

QString KubectlSession::run(const QStringList &arguments, int *exitCode) const
{
    return runKubectl(m_kubectl, m_sim.url(), m_home.path(), arguments, exitCode);
}

void KubectlSession::startIn(QProcess &process, const QStringList &arguments) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_home.path());
    env.remove(QStringLiteral("KUBECONFIG"));
    process.setProcessEnvironment(env);
    endsWithTheTest(process);
    process.start(m_kubectl, QStringList{QStringLiteral("--server"), m_sim.url()} + arguments);
}

} // namespace Curtain::Test
