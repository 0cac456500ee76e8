#include "models/releaselistmodel.h"

namespace Curtain::Models {

ReleaseListModel::ReleaseListModel(QObject *parent) : QAbstractTableModel(parent)
{}

void ReleaseListModel::setReleases(const Core::ReleaseSnapshots &releases)
{
    bool sameRows = releases.size() == m_releases.size();
    for (qsizetype i = 0; sameRows && i < releases.size(); ++i) {
        sameRows = releases[i].name == m_releases[i].name && releases[i].namespaceName == m_releases[i].namespaceName;
    }
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

int ReleaseListModel::rowOf(const QString &release) const
{
    for (qsizetype i = 0; i < m_releases.size(); ++i) {
        if (m_releases[i].name == release) {
            return int(i);
        }
    }
    return -1;
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
    if (role == ReleaseNameRole) {
        return release.name;
    }
    if (role == Qt::ToolTipRole) {
        return release.problem.isEmpty()
                   ? QStringLiteral("%1/%2 — %3 %4")
                         .arg(release.namespaceName, release.routeName, Core::routeKindName(release.routeKind),
                              release.routeResourceVersion)
                   : release.problem;
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (index.column()) {
    case Name:
        return release.name;
    case Strategy:
        return Core::strategyName(release.strategy());
    case StableVersion:
        return release.environment(release.stable).version;
    case CandidateWeight:
        return QStringLiteral("%1 %").arg(release.candidateWeight());
    case Health:
        return release.health();
    default:
        return {};
    }
}

QVariant ReleaseListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const char *const titles[ColumnCount] = {QT_TR_NOOP("Release"), QT_TR_NOOP("Strategy"), QT_TR_NOOP("Stable"),
                                                    QT_TR_NOOP("Candidate"), QT_TR_NOOP("Health")};
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount) {
        return {};
    }
    return tr(titles[section]);
}

} // namespace Curtain::Models
