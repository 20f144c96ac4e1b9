// The `electra` executable: everything lives in ElectraCLI, where tests can reach it.

import ElectraCLI

ElectraCommand.prepareProcess()
ElectraCommand.main()
