#include "fleetwindow.h"

#include "healthdelegate.h"
#include "theme.h"

#include "models/fleetmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace Curtain::Ui {

FleetWindow::FleetWindow(Models::FleetModel *model, QWidget *parent) : QWidget(parent, Qt::Window)
{
    setObjectName(QStringLiteral("fleetWindow"));
    setWindowTitle(tr("Curtain — fleet"));
    auto *hint =
        new QLabel(tr("Every release of every context; what needs attention comes first. Double-click to open."), this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("fleetTable"));
    m_table->setModel(model);
    m_table->setItemDelegate(new HealthDelegate(Models::FleetModel::Health, m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_table);
    resize(900, 500);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        const auto release = index.data(Models::FleetModel::ReleaseKeyRole).value<Core::ReleaseKey>();
        if (!release.isEmpty()) {
            Q_EMIT openRequested(index.data(Models::FleetModel::ContextRole).toString(), release);
        }
    });
}

} // namespace Curtain::Ui
