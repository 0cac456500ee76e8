#pragma once

#include "core/release.h"

#include <QWidget>

class QTableView;

namespace Curtain::Models {
class FleetModel;
}

namespace Curtain::Ui {

// Every release of the contexts the user picked, in one table, needing attention first.
// Double-clicking a release opens it in the main window.
class FleetWindow final : public QWidget
{
    Q_OBJECT

public:
    explicit FleetWindow(Models::FleetModel *model, QWidget *parent = nullptr);

Q_SIGNALS:
    void openRequested(const QString &context, const Curtain::Core::ReleaseKey &release);

private:
    QTableView *m_table;
};

} // namespace Curtain::Ui
