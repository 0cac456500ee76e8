// Who did what, as others write it: Events from the cluster (either shape, any controller's), pod
// lists, and the journal file on disk, which anyone with the user's account can edit. A history
// entry, a pod row or a named break in the chain; never a crash.

#include "core/history.h"
#include "engine/journal.h"
#include "engine/podreader.h"
#include "kube/inputlimits.h"
#include "kube/json.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>

#include <cstddef>
#include <cstdint>
#include <unistd.h>

using namespace Curtain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));

    // An Event, and the merge of it with the journal's entries.
    const QJsonObject object = QJsonDocument::fromJson(bytes).object();
    const Core::HistoryEntry entry = Core::historyEntryFromEvent(object);
    (void)entry.toJson();
    (void)Core::mergeHistory({Core::historyEntryFromRecord(object)}, {entry, entry});

    // A pod list's items, or one pod (the client's parser bounds nesting before it reads).
    const Kube::Json json = Kube::Json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
    if (!json.is_discarded() && !Kube::nestedDeeperThan(json, Kube::Limits::maxJsonDepth)) {
        std::vector<Kube::Json> items{json};
        if (const Kube::Json *listed = json.is_object() && json.contains("items") ? &json["items"] : nullptr;
            listed && listed->is_array()) {
            items.insert(items.end(), listed->begin(), listed->end());
        }
        (void)Engine::podsFromItems(items);
    }

    // The journal file, as it is found on disk.
    static const QString path = QDir::tempPath() + QStringLiteral("/curtain-fuzz-journal-%1.jsonl").arg(getpid());
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        file.write(bytes);
        file.close();
        const Engine::Journal::Reading reading = Engine::Journal(path).read();
        for (const QJsonObject &record : reading.records) {
            (void)Core::historyEntryFromRecord(record);
        }
    }
    return 0;
}
