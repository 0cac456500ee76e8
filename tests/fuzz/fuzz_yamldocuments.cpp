// Object files as `curtainctl inspect` and plan files read them (several `---` YAML or JSON
// documents, `*List`s flattened, scalars typed), and YAML as kubeconfig reads it (scalars kept as
// text). A value or an error naming the file, never a crash or a hang; and a value is JSON that can
// be written out again, as its readers do (a plan is converted through its text).

#include "kube/yamldocuments.h"

#include <cstddef>
#include <cstdint>

using namespace Curtain;

namespace {

void checkWritable(const std::vector<Kube::Json> &documents)
{
    for (const Kube::Json &document : documents) {
        try {
            (void)document.dump();
        } catch (const Kube::Json::exception &) {
            __builtin_trap(); // e.g. a string that is not UTF-8: every later dump() throws
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    if (const auto objects = Kube::parseObjects(text, QStringLiteral("fuzz.yaml")); objects.ok()) {
        checkWritable(objects.value());
    }
    const auto documents = Kube::parseYamlDocuments(text, QStringLiteral("fuzz.yaml"), Kube::YamlScalars::Text);
    if (documents.ok()) {
        checkWritable(documents.value());
    }
    return 0;
}
