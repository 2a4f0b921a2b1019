// Local BitTorrent DHT swarm (npm bittorrent-dht 11) driven over stdin/stdout by
// dht_interop_test. Everything binds to 127.0.0.1 and `bootstrap` is ALWAYS given
// (false or local nodes): without it k-rpc would contact the public routers.
//
// usage: node dht_swarm.mjs N
//   env DHT_SWARM_HOSTS=ip1,ip2,...  bind addresses (default 127.0.0.1); node i binds
//                                    ip[i % count], so a swarm can spread over several IPs
//   env DHT_SWARM_BEP42=1            node IDs that are BEP 42-secure for their IPv4 address
//                                    (needed where the addresses are not BEP 42-exempt, e.g.
//                                    TEST-NET in a namespace bed: BEP 42-checking nodes such
//                                    as ours and Go's skip insecure IDs)
//   stdout: "READY p0 p1 ..."                      once the N nodes are up
// commands on stdin (one per line), answers on stdout:
//   announce <hex> <port>          -> "ANNOUNCED <hex> <ms>" | "ANNOUNCE_FAILED <hex> <error>"
//   lookup <hex> <port>            -> a node that joins now (so it stored nothing) bootstraps
//                                     from node 0, then looks <hex> up:
//                                     "FOUND <hex> <host:port> via <host:port> first_ms=<n> done_ms=<n>"
//                                     | "NOTFOUND <hex> done_ms=<n>"
//   peers <hex>                    -> like lookup, but lists every peer found:
//                                     "PEERS <hex> <count> <host:port,...|-> done_ms=<n>"
//   addnode <port> [host]          -> every swarm node pings host:<port> (default the first
//                                     bind address): "ADDED <port>"
//   stats                          -> "STATS <table sizes>"
//   quit                           -> destroys all nodes and exits 0
// The process also exits when stdin closes (the test died) or after a hard timeout.
import DHT from 'bittorrent-dht'
import crypto from 'node:crypto'
import readline from 'node:readline'
import { performance } from 'node:perf_hooks'

const HOSTS = (process.env.DHT_SWARM_HOSTS || '127.0.0.1').split(',').filter(h => h)
const HOST = HOSTS[0]
const BEP42 = process.env.DHT_SWARM_BEP42 === '1'
let started = 0  // nodes started so far: node k binds HOSTS[k % HOSTS.length]

// CRC32-C (Castagnoli), as BEP 42 uses it.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = (c & 1) ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
  return c >>> 0
})
function crc32c (bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
// A BEP 42-secure node ID for an IPv4 address: 21 bits from crc32c(masked ip | r << 29).
function bep42Id (ip) {
  const r = crypto.randomBytes(1)[0]
  const mask = [0x03, 0x0f, 0x3f, 0xff]
  const b = ip.split('.').map((x, i) => Number(x) & mask[i])
  b[0] |= (r & 7) << 5
  const crc = crc32c(b)
  const id = crypto.randomBytes(20)
  id[0] = (crc >>> 24) & 0xff
  id[1] = (crc >>> 16) & 0xff
  id[2] = ((crc >>> 8) & 0xf8) | (id[2] & 7)
  id[19] = r
  return id
}
const N = Math.max(2, Number(process.argv[2] || 8))
const HARD_TIMEOUT_MS = Number(process.argv[3] || 150000)

const hard = setTimeout(() => { console.error('dht_swarm: hard timeout'); process.exit(3) }, HARD_TIMEOUT_MS)

function start (bootstrap) {
  const host = HOSTS[started++ % HOSTS.length]
  const opts = { bootstrap }
  if (BEP42 && host.includes('.')) opts.nodeId = bep42Id(host)
  const dht = new DHT(opts)
  dht.on('warning', () => {})  // unexpected tids etc. are routine on a busy swarm
  dht.on('error', err => { console.error('dht_swarm error:', err.message); process.exit(2) })
  return new Promise(resolve => {
    let listening = false; let ready = false
    const done = () => listening && ready && resolve(dht)
    dht.once('ready', () => { ready = true; done() })
    dht.listen(0, host, () => { listening = true; done() })
  })
}

const nodes = [await start(false)]
const seed = `${nodes[0].address().address}:${nodes[0].address().port}`
for (let i = 1; i < N; i++) nodes.push(await start([seed]))
console.log(`READY ${nodes.map(d => d.address().port).join(' ')}`)

// Late joiners stay up until quit: a destroyed one would linger in every routing table
// as a dead node, and each later lookup would pay a 2 s timeout for it.
const seekers = []
async function peers (hex) {
  const seeker = await start([seed])
  seekers.push(seeker)
  const ih = Buffer.from(hex, 'hex')
  const t0 = performance.now()
  const found = new Set()
  seeker.on('peer', (peer, infoHash) => {
    if (infoHash.equals(ih)) found.add(`${peer.host}:${peer.port}`)
  })
  await new Promise(resolve => seeker.lookup(ih, () => resolve()))
  const list = [...found]
  console.log(`PEERS ${hex} ${list.length} ${list.join(',') || '-'} done_ms=${(performance.now() - t0).toFixed(2)}`)
}

async function lookup (hex, port) {
  const seeker = await start([seed])
  seekers.push(seeker)
  const ih = Buffer.from(hex, 'hex')
  const t0 = performance.now()
  let found = null
  seeker.on('peer', (peer, infoHash, from) => {
    if (!found && from && infoHash.equals(ih) && peer.port === port) {
      found = { peer, from, ms: performance.now() - t0 }
    }
  })
  await new Promise(resolve => seeker.lookup(ih, () => resolve()))
  const doneMs = (performance.now() - t0).toFixed(2)
  if (found) {
    console.log(`FOUND ${hex} ${found.peer.host}:${found.peer.port} via ${found.from.host || found.from.address}:${found.from.port} first_ms=${found.ms.toFixed(2)} done_ms=${doneMs}`)
  } else {
    console.log(`NOTFOUND ${hex} done_ms=${doneMs}`)
  }
}

const rl = readline.createInterface({ input: process.stdin })
rl.on('close', () => process.exit(0))
for await (const line of rl) {
  const [cmd, a, b] = line.trim().split(/\s+/)
  try {
    if (cmd === 'announce') {
      const t0 = performance.now()
      await new Promise(resolve => nodes[N - 1].announce(Buffer.from(a, 'hex'), Number(b), err => {
        if (err) console.log(`ANNOUNCE_FAILED ${a} ${err.message}`)
        else console.log(`ANNOUNCED ${a} ${(performance.now() - t0).toFixed(2)}`)
        resolve()
      }))
    } else if (cmd === 'lookup') {
      await lookup(a, Number(b))
    } else if (cmd === 'peers') {
      await peers(a)
    } else if (cmd === 'addnode') {
      for (const d of nodes) d.addNode({ host: b || HOST, port: Number(a) })
      console.log(`ADDED ${a}`)
    } else if (cmd === 'stats') {
      console.log(`STATS ${nodes.map(d => d.toJSON().nodes.length).join(' ')}`)
    } else if (cmd === 'quit') {
      break
    }
  } catch (err) {
    console.log(`ERROR ${cmd} ${err.message}`)
  }
}
clearTimeout(hard)
await Promise.all([...nodes, ...seekers].map(d => new Promise(resolve => d.destroy(resolve))))
process.exit(0)
