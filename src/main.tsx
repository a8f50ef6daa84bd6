import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createVizStore, VizStoreContext } from './store/useVizStore';
import { createMmuClient } from './worker/client';
import './app.css';
import './layout.css';

const store = createVizStore(createMmuClient());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <VizStoreContext.Provider value={store}>
      <App />
    </VizStoreContext.Provider>
  </StrictMode>,
);
