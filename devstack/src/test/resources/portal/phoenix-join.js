// Joins the devstack portal's client channel with the official Phoenix JavaScript client (V2 framing) and
// prints one JSON line per step: {"joined": <join reply>} then {"init": <payload>}.
// Usage: node phoenix-join.js <socket endpoint, e.g. ws://127.0.0.1:8081/client/v2> <token> <public key>
const { Socket } = require("phoenix");
const WebSocket = require("ws");

const [endpoint, token, publicKey] = process.argv.slice(2);

// Node 20 has no global WebSocket; `ws` stands in, with the User-Agent the portal requires of clients.
class ClientWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { headers: { "User-Agent": "Linux/6.12 gui-client/1.5.17 (x86_64; 6.12.0)" } });
  }
}

const socket = new Socket(endpoint, {
  transport: ClientWebSocket,
  params: { token, external_id: "phoenix-js-device", name: "phoenix-js", public_key: publicKey },
  reconnectAfterMs: () => 60000,
});
socket.onError((e) => { console.error("socket error", e && e.message); process.exit(4); });
socket.connect();

const channel = socket.channel("client", {});
channel.on("init", (payload) => {
  console.log(JSON.stringify({ init: payload }));
  socket.disconnect(() => process.exit(0));
});
channel.join()
  .receive("ok", (response) => console.log(JSON.stringify({ joined: response })))
  .receive("error", (response) => { console.error("join refused", JSON.stringify(response)); process.exit(2); })
  .receive("timeout", () => { console.error("join timed out"); process.exit(3); });

setTimeout(() => { console.error("no init within 30 s"); process.exit(5); }, 30000);
