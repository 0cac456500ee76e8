#include "models/releaselistmodel.h"

#include "core/health.h"

#include <algorithm>

namespace Curtain::Models {

ReleaseListModel::ReleaseListModel(QObject *parent) : QAbstractTableModel(parent)
{}

void ReleaseListModel::setReleases(const Core::ReleaseSnapshots &releases)
{
    bool sameRows = releases.size() == m_releases.size();
    for (qsizetype i = 0; sameRows && i < releases.size(); ++i) {
        sameRows = releases[i].key() == m_releases[i].key();
    }
    m_severalNamespaces = std::any_of(releases.cbegin(), releases.cend(), [&releases](const Core::ReleaseSnapshot &r) {
        return r.namespaceName != releases.front().namespaceName;
    });
    m_metrics.removeIf([&releases](const auto &entry) {
        return std::none_of(releases.cbegin(), releases.cend(),
                            [&entry](const Core::ReleaseSnapshot &r) { return r.key() == entry.key(); });
    });
    if (!sameRows) {
        beginResetModel();
        m_releases = releases;
        endResetModel();
        return;
    }
    m_releases = releases;
    if (!m_releases.isEmpty()) {
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
}

void ReleaseListModel::setMetrics(const Core::ReleaseMetrics &metrics)
{
    const int row = rowOf(metrics.release);
    if (row < 0 || m_releases.at(row).key() != metrics.release) {
        return;
    }
    m_metrics.insert(metrics.release, metrics);
    Q_EMIT dataChanged(index(row, Health), index(row, Health));
}

void ReleaseListModel::setAcknowledgedRollbacks(const QHash<Core::ReleaseKey, QDateTime> &acknowledged)
{
    m_acknowledged = acknowledged;
    if (!m_releases.isEmpty()) {
        Q_EMIT dataChanged(index(0, Health), index(rowCount() - 1, Health));
    }
}

void ReleaseListModel::acknowledgeRollback(const Core::ReleaseKey &release, const QDateTime &planStartedAt)
{
    m_acknowledged.insert(release, planStartedAt);
    if (const int row = rowOf(release); row >= 0) {
        Q_EMIT dataChanged(index(row, Health), index(row, Health));
    }
}

int ReleaseListModel::rowOf(const Core::ReleaseKey &release) const
{
    for (qsizetype i = 0; i < m_releases.size(); ++i) {
        if (m_releases[i].name == release.name &&
            (release.namespaceName.isEmpty() || m_releases[i].namespaceName == release.namespaceName)) {
            return int(i);
        }
    }
    return -1;
}

QString ReleaseListModel::displayName(const Core::ReleaseKey &release) const
{
    return m_severalNamespaces ? release.toString() : release.name;
}

int ReleaseListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_releases.size());
}

int ReleaseListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReleaseListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    const Core::ReleaseSnapshot &release = m_releases.at(index.row());
    if (role == SnapshotRole) {
        return QVariant::fromValue(release);
    }
    if (role == ReleaseKeyRole) {
        return QVariant::fromValue(release.key());
    }
    const auto metrics = m_metrics.constFind(release.key());
    if (role == Qt::ToolTipRole && index.column() == Health && metrics != m_metrics.constEnd()) {
        if (const QString over = Core::overBudget(release, *metrics); !over.isEmpty()) {
            return over;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Health) {
        if (const QString mark = Core::unacknowledgedRollback(release, m_acknowledged.value(release.key()));
            !mark.isEmpty()) {
            return mark;
        }
    }
    if (role == Qt::ToolTipRole) {
        return release.problem.isEmpty()
                   ? QStringLiteral("%1/%2 — %3 %4")
                         .arg(release.namespaceName, release.routeName, Core::routeKindName(release.routeKind),
                              release.routeResourceVersion)
                   : release.problem;
    }
    if (role == SortRole) {
        switch (index.column()) {
        case CandidateWeight:
            return release.candidateWeight();
        case Health:
            return Core::attentionRank(data(index, Qt::DisplayRole).toString());
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (index.column()) {
    case Name:
        return displayName(release.key());
    case Namespace:
        return release.namespaceName;
    case Strategy:
        return Core::strategyName(release.strategy());
    case StableVersion:
        return release.environment(release.stable).version;
    case CandidateWeight: // unknown while the route cannot be read
        return release.problem.isEmpty() ? QStringLiteral("%1 %").arg(release.candidateWeight())
                                         : QStringLiteral("— %");
    case Health:
        return Core::healthWithMetrics(release, metrics == m_metrics.constEnd() ? nullptr : &*metrics,
                                       m_acknowledged.value(release.key()));
    default:
        return {};
    }
}

QVariant ReleaseListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const char *const titles[ColumnCount] = {QT_TR_NOOP("Release"), QT_TR_NOOP("Namespace"),
                                                    QT_TR_NOOP("Health"),  QT_TR_NOOP("Candidate"),
                                                    QT_TR_NOOP("Stable"),  QT_TR_NOOP("Strategy")};
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount) {
        return {};
    }
    return tr(titles[section]);
}

} // namespace Curtain::Models
