// What an exec credential plugin prints on standard output, read for both API versions a kubeconfig
// may configure. A credential or the reason there is none, never a crash.

#include "kube/credentials.h"

#include <cstddef>
#include <cstdint>

using namespace Curtain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray output(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const QString &version :
         {QStringLiteral("client.authentication.k8s.io/v1"), QStringLiteral("client.authentication.k8s.io/v1beta1")}) {
        QDateTime expires;
        const auto credential = Kube::readExecCredential(output, version, &expires);
        // What the client promises a request: a token or a certificate with its key.
        if (credential.ok() && credential.value().bearerToken.isEmpty() &&
            (credential.value().clientCertPem.isEmpty() || credential.value().clientKeyPem.isEmpty())) {
            __builtin_trap();
        }
    }
    return 0;
}
