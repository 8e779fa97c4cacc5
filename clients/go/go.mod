module github.com/dwcp/dwcp-agent/clients/go

go 1.19
