#!/bin/sh
# Registers the namespace and the custom search attributes of the remediation saga, skipping any that exist,
# because `temporal operator search-attribute create` fails for an attribute that is already registered.
set -eu

namespace="${TEMPORAL_NAMESPACE:-default}"
address="${TEMPORAL_ADDRESS:-temporal:7233}"

attempt=1
until temporal operator cluster health --address "$address"; do
  if [ "$attempt" -ge 30 ]; then
    echo "Temporal at $address is not healthy after $attempt attempts" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done

if ! temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
  temporal operator namespace create --address "$address" --namespace "$namespace"
fi

# Names and types as in src/workflows/search-attributes.ts.
for name in SloService RemediationPhase RemediationOutcome; do
  if temporal operator search-attribute list --address "$address" --namespace "$namespace" | grep -qw "$name"; then
    echo "search attribute $name already exists"
  else
    temporal operator search-attribute create --address "$address" --namespace "$namespace" \
      --name "$name" --type Keyword
  fi
done
echo "namespace $namespace and its search attributes are ready"
