#!/usr/bin/env bash
# Makes a cluster CA and one certificate per node for mutual TLS between ActorSim nodes (Akka.Remote).
#
#   bash cluster-config/make-certs.sh DIR NODE [NODE ...]
#
# Writes DIR/ca.pem (the CA certificate every node trusts — give it to every node), DIR/ca.key (the CA's private
# key: keep it off the nodes, it makes new node certificates), and DIR/NODE.pfx for each NODE (PKCS#12: the node's
# key and certificate, allowed for both server and client authentication, password from ACTORSIM_TLS_PASSWORD,
# default "actorsim"). An existing CA in DIR is reused, so nodes can be added later. Needs openssl.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: bash cluster-config/make-certs.sh DIR NODE [NODE ...]" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "make-certs: openssl is not installed (Debian: apt-get install openssl)" >&2; exit 2; }
dir=$1; shift
password=${ACTORSIM_TLS_PASSWORD:-actorsim}
days=${ACTORSIM_TLS_DAYS:-825}
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/ca.pem" ] || [ ! -f "$dir/ca.key" ]; then
  openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days "$days" -subj "/CN=ActorSim cluster CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  echo "make-certs: new cluster CA in $dir/ca.pem"
fi
for node in "$@"; do
  case "$node" in (*[!A-Za-z0-9._-]*|'') echo "make-certs: node name \"$node\" may only use letters, digits, . _ -" >&2; exit 2;; esac
  tmp=$(mktemp -d)
  cat > "$tmp/ext.cnf" <<CNF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:$node,DNS:localhost,IP:127.0.0.1
CNF
  openssl req -newkey rsa:2048 -sha256 -nodes -subj "/CN=$node" -keyout "$tmp/node.key" -out "$tmp/node.csr" 2>/dev/null
  openssl x509 -req -in "$tmp/node.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days "$days" -sha256 \
    -extfile "$tmp/ext.cnf" -out "$tmp/node.pem" 2>/dev/null
  openssl pkcs12 -export -inkey "$tmp/node.key" -in "$tmp/node.pem" -certfile "$dir/ca.pem" -name "$node" \
    -passout "pass:$password" -out "$dir/$node.pfx"
  rm -rf "$tmp"
  echo "make-certs: $dir/$node.pfx"
done
