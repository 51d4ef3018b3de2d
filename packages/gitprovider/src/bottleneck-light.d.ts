/** Bottleneck's light build (no Redis clustering), the one plugin-throttling uses; same API as the full one. */
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
