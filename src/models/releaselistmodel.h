#pragma once

#include "core/metricpoint.h"
#include "core/release.h"

#include <QAbstractTableModel>
#include <QDateTime>

namespace Curtain::Models {

// The release list: one row per release, fed whole snapshots. When the set of releases is the same
// it signals only the cells that changed, so views keep their selection and scroll position.
// Rows are known by Core::ReleaseKey (namespace and name); the Release column shows the bare name
// while every listed release is in one namespace, and namespace/name once several are listed.
class ReleaseListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    // What needs a person first: at 1024 px the list shows only its first three or four columns.
    enum Column { Name, Namespace, Health, CandidateWeight, StableVersion, Strategy, ColumnCount };
    // SortRole: what a column sorts by — Health by how urgently it needs a person, weights as numbers.
    enum Role { SnapshotRole = Qt::UserRole + 1, ReleaseKeyRole, SortRole };

    explicit ReleaseListModel(QObject *parent = nullptr);

    void setReleases(const Core::ReleaseSnapshots &releases);
    // The latest metrics of a release: its Health reads "degraded (metrics)" while an environment
    // that serves traffic is over budget (Core::healthWithMetrics), and its tooltip says why.
    void setMetrics(const Core::ReleaseMetrics &metrics);
    // Automatic rollbacks a person has seen, each known by its plan's start: the Health of a release
    // whose last plan rolled back reads "rolled back" until then (Core::unacknowledgedRollback).
    void setAcknowledgedRollbacks(const QHash<Core::ReleaseKey, QDateTime> &acknowledged);
    void acknowledgeRollback(const Core::ReleaseKey &release, const QDateTime &planStartedAt);
    QDateTime acknowledgedRollback(const Core::ReleaseKey &release) const { return m_acknowledged.value(release); }
    const Core::ReleaseSnapshots &releases() const { return m_releases; }
    // The row of `release`, or -1. A key without a namespace (a name typed by a user) finds the
    // first release of that name.
    int rowOf(const Core::ReleaseKey &release) const;
    // What the user reads for `release`: its name, or namespace/name when several namespaces are listed.
    QString displayName(const Core::ReleaseKey &release) const;
    bool severalNamespaces() const { return m_severalNamespaces; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Core::ReleaseSnapshots m_releases;
    QHash<Core::ReleaseKey, Core::ReleaseMetrics> m_metrics;
    QHash<Core::ReleaseKey, QDateTime> m_acknowledged;
    bool m_severalNamespaces = false;
};

} // namespace Curtain::Models
