#pragma once

#include "testsupport.h"

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

namespace Curtain::Test {

// kubectl against a curtain-sim of its own, as the kubectl suites use it: HOME is a temporary
// directory (kubectl's discovery cache goes there, not into the user's ~/.kube) and KUBECONFIG is
// unset, so only --server decides where it goes.
class KubectlSession
{
public:
    // Finds kubectl and starts the sim; false with `error` (a missing kubectl names its package).
    bool start(QString *error);
    // Runs `kubectl --server URL ARGUMENTS…` to the end (see runKubectl).
    QString run(const QStringList &arguments, int *exitCode = nullptr) const;
    // Starts `kubectl --server URL ARGUMENTS…` without waiting for it (`get --watch`): the caller
    // reads its output and stops it.
    void startIn(QProcess &process, const QStringList &arguments) const;
    const SimProcess &sim() const { return m_sim; }

private:
    SimProcess m_sim;
    QString m_kubectl;
    QTemporaryDir m_home;
};

} // namespace Curtain::Test
