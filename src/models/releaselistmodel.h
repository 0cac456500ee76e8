#pragma once

#include "core/release.h"

#include <QAbstractTableModel>

namespace Curtain::Models {

// The release list: one row per release, fed whole snapshots. When the set of releases is the same
// it signals only the cells that changed, so views keep their selection and scroll position.
class ReleaseListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Strategy, StableVersion, CandidateWeight, Health, ColumnCount };
    enum Role { SnapshotRole = Qt::UserRole + 1, ReleaseNameRole };

    explicit ReleaseListModel(QObject *parent = nullptr);

    void setReleases(const Core::ReleaseSnapshots &releases);
    const Core::ReleaseSnapshots &releases() const { return m_releases; }
    int rowOf(const QString &release) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Core::ReleaseSnapshots m_releases;
};

} // namespace Curtain::Models
