#!/usr/bin/env bash
# Go client checks, run by Maven (integration-test phase) and usable by hand:
#   clients/go/go-test.sh [path/to/dwcp-agent.jar]
# gofmt and go vet must be clean; go test starts the real agent jar.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v go >/dev/null 2>&1; then
  echo "go-test: SKIP - 'go' is not installed, so the Go client tests (clients/go) did not run." \
       "Install Debian's golang-go (.ci/run does) to run them."
  exit 0
fi
export DWCP_AGENT_JAR=$(readlink -f "${1:-../../agent/target/dwcp-agent.jar}")
export GOFLAGS=-mod=mod GOPROXY=off   # standard library only: never download modules
go version
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "go-test: FAIL - gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...
go test -count=1 -timeout 600s ./...
