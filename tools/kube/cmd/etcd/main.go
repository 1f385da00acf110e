// Command etcd runs a single-member etcd server through the embed package,
// as the storage for the local test cluster started by scripts/kube/start.sh.
// It replaces the etcd release binary, which the Go module proxy does not
// serve, and Debian's etcd-server 3.4, which current kube-apiserver rejects.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	name := flag.String("name", "default", "member name")
	dataDir := flag.String("data-dir", "", "directory for the WAL and snapshots (required)")
	clientURL := flag.String("listen-client-url", "http://127.0.0.1:2379", "URL to serve clients on, also advertised")
	peerURL := flag.String("listen-peer-url", "http://127.0.0.1:2380", "URL to serve raft peers on, also advertised")
	logLevel := flag.String("log-level", "warn", "zap log level: debug, info, warn or error")
	readyTimeout := flag.Duration("ready-timeout", 60*time.Second, "max time to wait for the member to become ready")
	flag.Parse()

	if *dataDir == "" {
		log.Fatal("invalid flags: --data-dir is required")
	}
	clientURLs, err := parseURLs(*clientURL)
	if err != nil {
		log.Fatalf("invalid --listen-client-url %q: %v", *clientURL, err)
	}
	peerURLs, err := parseURLs(*peerURL)
	if err != nil {
		log.Fatalf("invalid --listen-peer-url %q: %v", *peerURL, err)
	}

	cfg := embed.NewConfig()
	cfg.Name = *name
	cfg.Dir = *dataDir
	cfg.ListenClientUrls = clientURLs
	cfg.AdvertiseClientUrls = clientURLs
	cfg.ListenPeerUrls = peerURLs
	cfg.AdvertisePeerUrls = peerURLs
	cfg.InitialCluster = cfg.InitialClusterFromName(*name)
	cfg.LogLevel = *logLevel
	cfg.LogOutputs = []string{"stderr"}

	server, err := embed.StartEtcd(cfg)
	if err != nil {
		log.Fatalf("failed to start etcd in %s: %v", *dataDir, err)
	}
	defer server.Close()

	select {
	case <-server.Server.ReadyNotify():
		log.Printf("etcd ready: clients on %s, data in %s", *clientURL, *dataDir)
	case <-time.After(*readyTimeout):
		server.Server.Stop()
		log.Fatalf("etcd not ready after %s", *readyTimeout)
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	select {
	case sig := <-signals:
		log.Printf("received %s, stopping etcd", sig)
	case err := <-server.Err():
		log.Printf("etcd server failed: %v", err)
		server.Close()
		os.Exit(1)
	}
}

func parseURLs(raw string) ([]url.URL, error) {
	parsed, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if parsed.Scheme != "http" || parsed.Host == "" {
		return nil, fmt.Errorf("expected http://HOST:PORT")
	}
	return []url.URL{*parsed}, nil
}
