#include "ctlrunner.h"

#include "testsupport.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Curtain::Test {

void startCurtainctl(QProcess &process, const QStringList &arguments)
{
    endsWithTheTest(process);
    process.start(binary(QStringLiteral("curtainctl")), arguments);
}

CtlRun finishCurtainctl(QProcess &process, int timeoutMs)
{
    CtlRun run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        run.err = QStringLiteral("curtainctl did not finish within %1 s\n").arg(timeoutMs / 1000);
    } else {
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err += QString::fromUtf8(process.readAllStandardError());
    return run;
}

CtlRun runCurtainctl(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    startCurtainctl(process, arguments);
    return finishCurtainctl(process, timeoutMs);
}

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

} // namespace Curtain::Test
