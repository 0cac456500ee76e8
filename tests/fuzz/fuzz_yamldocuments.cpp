// Object files as `curtainctl inspect` and plan files read them (several `---` YAML or JSON
// documents, `*List`s flattened, scalars typed), and YAML as kubeconfig reads it (scalars kept as
// text). A value or an error naming the file, never a crash or a hang.

#include "kube/yamldocuments.h"

#include <cstddef>
#include <cstdint>

using namespace Curtain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)Kube::parseObjects(text, QStringLiteral("fuzz.yaml"));
    (void)Kube::parseYamlDocuments(text, QStringLiteral("fuzz.yaml"), Kube::YamlScalars::Text);
    return 0;
}
