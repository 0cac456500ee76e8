#include "engine/journalindex.h"

#include <QMutexLocker>

namespace Curtain::Engine {

JournalIndex::JournalIndex(QString journalPath, QString server, std::chrono::milliseconds wholeReadingEvery)
    : m_journal(std::move(journalPath)), m_server(std::move(server)), m_wholeReadingEvery(wholeReadingEvery)
{}

QString JournalIndex::keyOf(const QString &namespaceName, const QString &release)
{
    return namespaceName + QLatin1Char('/') + release;
}

JournalIndex::Found JournalIndex::entriesOf(const QString &namespaceName, const QString &release)
{
    const QMutexLocker lock(&m_mutex);
    if (!m_sinceWholeReading.isValid() ||
        std::chrono::milliseconds(m_sinceWholeReading.elapsed()) >= m_wholeReadingEvery) {
        m_cursor = {};
        m_byRelease.clear();
        m_sinceWholeReading.start();
    }
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
