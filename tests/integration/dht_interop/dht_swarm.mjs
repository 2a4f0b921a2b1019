// Local BitTorrent DHT swarm (npm bittorrent-dht 11) driven over stdin/stdout by
// dht_interop_test. Everything binds to 127.0.0.1 and `bootstrap` is ALWAYS given
// (false or local nodes): without it k-rpc would contact the public routers.
//
// usage: node dht_swarm.mjs N
//   stdout: "READY p0 p1 ..."                      once the N nodes are up
// commands on stdin (one per line), answers on stdout:
//   announce <hex> <port>          -> "ANNOUNCED <hex> <ms>" | "ANNOUNCE_FAILED <hex> <error>"
//   lookup <hex> <port>            -> a node that joins now (so it stored nothing) bootstraps
//                                     from node 0, then looks <hex> up:
//                                     "FOUND <hex> <host:port> via <host:port> first_ms=<n> done_ms=<n>"
//                                     | "NOTFOUND <hex> done_ms=<n>"
//   addnode <port>                 -> every swarm node pings 127.0.0.1:<port>: "ADDED <port>"
//   stats                          -> "STATS <table sizes>"
//   quit                           -> destroys all nodes and exits 0
// The process also exits when stdin closes (the test died) or after a hard timeout.
import DHT from 'bittorrent-dht'
import readline from 'node:readline'
import { performance } from 'node:perf_hooks'

const HOST = '127.0.0.1'
const N = Math.max(2, Number(process.argv[2] || 8))
const HARD_TIMEOUT_MS = Number(process.argv[3] || 150000)

const hard = setTimeout(() => { console.error('dht_swarm: hard timeout'); process.exit(3) }, HARD_TIMEOUT_MS)

function start (bootstrap) {
  const dht = new DHT({ bootstrap })
  dht.on('warning', () => {})  // unexpected tids etc. are routine on a busy swarm
  dht.on('error', err => { console.error('dht_swarm error:', err.message); process.exit(2) })
  return new Promise(resolve => {
    let listening = false; let ready = false
    const done = () => listening && ready && resolve(dht)
    dht.once('ready', () => { ready = true; done() })
    dht.listen(0, HOST, () => { listening = true; done() })
  })
}

const nodes = [await start(false)]
const seed = `${HOST}:${nodes[0].address().port}`
for (let i = 1; i < N; i++) nodes.push(await start([seed]))
console.log(`READY ${nodes.map(d => d.address().port).join(' ')}`)

// Late joiners stay up until quit: a destroyed one would linger in every routing table
// as a dead node, and each later lookup would pay a 2 s timeout for it.
const seekers = []
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
    } else if (cmd === 'addnode') {
      for (const d of nodes) d.addNode({ host: HOST, port: Number(a) })
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
