/**
 * The alarm's sound, made here (no audio file to ship or to fail to load): two short 880 Hz
 * beeps and a pause, as an 8 kHz 8-bit WAV data URI, looped by an <audio> element.
 */
const RATE = 8_000;

export function beepWavDataUri(): string {
  const pattern: [number, number][] = [
    [880, 0.18],
    [0, 0.08],
    [880, 0.18],
    [0, 0.9],
  ];
  const samples: number[] = [];
  for (const [hz, seconds] of pattern) {
    const n = Math.round(seconds * RATE);
    for (let i = 0; i < n; i++) samples.push(hz === 0 ? 128 : Math.round(128 + 90 * Math.sin((2 * Math.PI * hz * i) / RATE)));
  }
  const bytes = new Uint8Array(44 + samples.length);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, s: string) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples.length, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true); // PCM header size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, RATE, true);
  view.setUint32(28, RATE, true); // bytes per second
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  text(36, 'data');
  view.setUint32(40, samples.length, true);
  bytes.set(samples, 44);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:audio/wav;base64,${btoa(binary)}`;
}
