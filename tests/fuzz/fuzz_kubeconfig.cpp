// A kubeconfig file as a user (or a tool that wrote it) left it: loaded as kubectl loads it, then
// every context resolved into an endpoint. Either is a value or an error naming the problem.

#include "kube/kubeconfig.h"

#include <QFile>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

using namespace Curtain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // Kubeconfig::load reads files; one private directory holds the input, so relative paths in it
    // (certificate-authority: ca.crt) resolve to files that do not exist.
    static QTemporaryDir directory;
    static const QString path = directory.filePath(QStringLiteral("config"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size)) {
        __builtin_trap(); // the harness itself failed: no finding about Curtain can follow
    }
    file.close();
    const auto config = Kube::Kubeconfig::load({path}, true);
    if (!config.ok()) {
        return 0;
    }
    (void)config.value().endpoint();
    for (const Kube::KubeconfigContext &context : config.value().contexts()) {
        (void)config.value().endpoint(context.name);
    }
    return 0;
}
