#include "engine/journalindex.h"

#include <QMutexLocker>

namespace Curtain::Engine {

JournalIndex::JournalIndex(QString journalPath, QString server)
    : m_journal(std::move(journalPath)), m_server(std::move(server))
{}

QString JournalIndex::keyOf(const QString &namespaceName, const QString &release)
{
    return namespaceName + QLatin1Char('/') + release;
}

JournalIndex::Found JournalIndex::entriesOf(const QString &namespaceName, const QString &release)
{
    const QMutexLocker lock(&m_mutex);
    const Journal::Reading reading = m_journal.readFrom(m_cursor);
    if (reading.restarted) {
        m_byRelease.clear();
    }
    for (const QJsonObject &record : reading.records) {
        if (record.value(QLatin1String("server")).toString() != m_server) {
            continue;
        }
        m_byRelease[keyOf(record.value(QLatin1String("namespace")).toString(),
                          record.value(QLatin1String("release")).toString())]
            .append(Core::historyEntryFromRecord(record));
    }
    return {m_byRelease.value(keyOf(namespaceName, release)), reading.problem};
}

} // namespace Curtain::Engine
