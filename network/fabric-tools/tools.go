//go:build tools

// Package tools pins the Fabric commands this project builds from Go modules.
// Fabric's v3 tags lack a /v3 module path, so the pin is a pseudo-version of a commit.
package tools

import (
	_ "github.com/hyperledger/fabric/cmd/configtxgen"
	_ "github.com/hyperledger/fabric/cmd/cryptogen"
	_ "github.com/hyperledger/fabric/cmd/orderer"
	_ "github.com/hyperledger/fabric/cmd/osnadmin"
	_ "github.com/hyperledger/fabric/cmd/peer"
)
