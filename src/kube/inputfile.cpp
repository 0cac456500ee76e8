#include "kube/inputfile.h"

#include "kube/inputlimits.h"

#include <QFile>

namespace Curtain::Kube {

QString describeBytes(qint64 bytes)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
        return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    }
    return QStringLiteral("%1 bytes").arg(bytes);
}

Core::Result<QByteArray> readInputFile(const QString &path, qint64 limit, const QString &limitName)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("cannot be read (%1)").arg(file.errorString()));
    }
    // Read in chunks up to one byte past the limit: that byte tells "exactly at the limit" from
    // "larger", also for endless files. (QIODevice::read(limit + 1) would allocate and clear the
    // whole limit, 16 MiB for a 2 KiB kubeconfig.)
    QByteArray content;
    if (!file.isSequential()) {
        content.reserve(qMin(file.size(), limit) + 1);
    }
    char chunk[64 * 1024];
    while (content.size() <= limit) {
        const qint64 got = file.read(chunk, qMin<qint64>(sizeof chunk, limit + 1 - content.size()));
        if (got <= 0) {
            break; // the end, or an error that file.error() names below
        }
        content.append(chunk, qsizetype(got));
    }
    if (content.size() > limit) {
        return Core::makeError(
            Core::ErrorKind::InvalidInput,
            QStringLiteral("is larger than %1, the limit for %2").arg(describeBytes(limit), limitName));
    }
    if (file.error() != QFileDevice::NoError) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("cannot be read (%1)").arg(file.errorString()));
    }
    return content;
}

Core::Result<QByteArray> readConfigFile(const QString &path)
{
    return readInputFile(path, Limits::maxConfigFileBytes, QStringLiteral("kubeconfig, plan and inspect files"));
}

Core::Result<QByteArray> readCredentialFile(const QString &path)
{
    return readInputFile(path, Limits::maxCredentialFileBytes, QStringLiteral("certificate, key and token files"));
}

} // namespace Curtain::Kube
