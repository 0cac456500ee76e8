#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

namespace Curtain::Kube {

// Reads a whole file of outside input, but never more than `limit` bytes: a larger file, or one
// that never ends (/dev/zero, a device), is an error instead of a process that fills memory. The
// error is the reason only ("cannot be read (…)", "is larger than 16 MiB, the limit for
// `limitName`"): callers put the file and the entry that named it in front.
Core::Result<QByteArray> readInputFile(const QString &path, qint64 limit, const QString &limitName);

// kubeconfig, plan and inspect files: Limits::maxConfigFileBytes.
Core::Result<QByteArray> readConfigFile(const QString &path);
// Certificate authority, client certificate and key files, tokenFile: Limits::maxCredentialFileBytes.
Core::Result<QByteArray> readCredentialFile(const QString &path);

// "16 MiB", "900 KiB", "12 bytes": a size as messages show it.
QString describeBytes(qint64 bytes);

} // namespace Curtain::Kube
