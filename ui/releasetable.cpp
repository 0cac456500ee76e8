#include "releasetable.h"

#include "models/releaselistmodel.h"

#include <QResizeEvent>
#include <QTimer>

#include <algorithm>

namespace Curtain::Ui {

using Column = Models::ReleaseListModel::Column;

namespace {

// Left out first when the list is narrow: both are repeated under the release's name in the detail.
constexpr Column leftOutFirst[] = {Column::Strategy, Column::StableVersion};

} // namespace

ReleaseTable::ReleaseTable(QWidget *parent) : QTableView(parent), m_header(new Header(this))
{
    setHorizontalHeader(m_header);
    m_header->setSectionsClickable(true);
    m_header->setHighlightSections(true);
    m_header->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(m_header, &QHeaderView::sortIndicatorChanged, this, &ReleaseTable::fitColumnsSoon);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    verticalHeader()->hide();
    setShowGrid(false);
    setWordWrap(false); // "degraded (metrics)" elides in a narrow list rather than doubling the row
    setAlternatingRowColors(true);
    setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
}

void ReleaseTable::setModel(QAbstractItemModel *model)
{
    if (model == this->model()) {
        return;
    }
    if (this->model()) {
        disconnect(this->model(), nullptr, this, nullptr);
    }
    QTableView::setModel(model);
    if (!model) {
        return;
    }
    m_header->setSectionResizeMode(Column::Name, QHeaderView::Stretch);
    setColumnHidden(Column::Namespace, !m_namespaceShown);
    // A longer version or health word may no longer fit beside the name; a shorter one, filtered
    // out, may make room again.
    connect(model, &QAbstractItemModel::modelReset, this, &ReleaseTable::fitColumnsSoon);
    connect(model, &QAbstractItemModel::layoutChanged, this, &ReleaseTable::fitColumnsSoon);
    connect(model, &QAbstractItemModel::rowsInserted, this, &ReleaseTable::fitColumnsSoon);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &ReleaseTable::fitColumnsSoon);
    connect(model, &QAbstractItemModel::dataChanged, this, &ReleaseTable::fitColumnsSoon);
    connect(model, &QAbstractItemModel::headerDataChanged, this, &ReleaseTable::fitColumnsSoon);
    fitColumnsSoon();
}

void ReleaseTable::setNamespaceShown(bool shown)
{
    if (std::exchange(m_namespaceShown, shown) != shown) {
        setColumnHidden(Column::Namespace, !shown);
        fitColumnsSoon();
    }
}

void ReleaseTable::resizeEvent(QResizeEvent *event)
{
    QTableView::resizeEvent(event);
    fitColumns();
}

void ReleaseTable::changeEvent(QEvent *event)
{
    QTableView::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange ||
        event->type() == QEvent::LanguageChange) {
        fitColumnsSoon();
    }
}

void ReleaseTable::fitColumnsSoon()
{
    if (!std::exchange(m_fitPending, true)) {
        QTimer::singleShot(0, this, &ReleaseTable::fitColumns);
    }
}

void ReleaseTable::fitColumns()
{
    m_fitPending = false;
    if (!model()) {
        return;
    }
    int used = nameFloor();
    for (int column = 0; column < model()->columnCount(); ++column) {
        const bool optional = std::ranges::find(leftOutFirst, column) != std::end(leftOutFirst);
        if (column != Column::Name && !optional && !isColumnHidden(column)) {
            used += wantedWidth(column);
        }
    }
    // Kept from the last one left out: the stable version stays while the strategy fits beside it.
    // The column the list is sorted by stays, so the order never follows something out of sight.
    bool fits = true;
    for (auto column = std::rbegin(leftOutFirst); column != std::rend(leftOutFirst); ++column) {
        used += wantedWidth(*column);
        fits = fits && used <= viewport()->width();
        setColumnHidden(*column, !fits && m_header->sortIndicatorSection() != *column);
    }
}

int ReleaseTable::wantedWidth(int column) const
{
    const int wanted = std::max(m_header->titleWidth(column), sizeHintForColumn(column));
    return std::clamp(wanted, m_header->minimumSectionSize(), m_header->maximumSectionSize());
}

int ReleaseTable::nameFloor() const
{
    // About a dozen characters ("recommenda…"), or less when every name is shorter.
    const int dozen = 12 * fontMetrics().averageCharWidth();
    return std::min(dozen, std::max(m_header->titleWidth(Column::Name), sizeHintForColumn(Column::Name)));
}

} // namespace Curtain::Ui
