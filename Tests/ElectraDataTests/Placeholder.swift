// ElectraData tests live in this folder.
