// The benchmark's components for the official runtime, in plain JavaScript.
//
// They call the runtime's own JSX factory (`@gitbook/runtime/jsx-runtime`)
// exactly as the automatic JSX transform would for the .tsx source, so no
// JSX build step stands between the reference code and what is timed:
// `jsxs` where the children are a static list, `jsx` otherwise, attributes in
// the order they are written (the factory keeps that order in the JSON).
import { createComponent } from '@gitbook/runtime';
import { jsx, jsxs } from '@gitbook/runtime/jsx-runtime';

// A faithful port of the reference `counter` (../../fixtures/reference/counter.tsx,
// the same file as /work/shared/reference/counter.tsx): one async action
// handler with a switch, an async render.
export const counter = createComponent({
    componentId: 'counter',
    initialState: (props) => ({ count: props.start ?? 0 }),
    action: async (element, action) => {
        const step = element.props.step ?? 1;
        switch (action.action) {
            case 'inc':
                return { state: { count: element.state.count + step } };
            case 'dec':
                return { state: { count: element.state.count - step } };
            case 'reset':
                return { state: { count: element.props.start ?? 0 } };
            default:
                return {};
        }
    },
    render: async ({ state, props }) =>
        jsxs('block', {
            children: [
                jsxs('hstack', {
                    align: 'center',
                    children: [
                        jsx('button', { label: '-', style: 'secondary', onPress: { action: 'dec' } }),
                        jsx('text', { style: 'bold', children: `Count: ${state.count}` }),
                        jsx('button', { label: '+', style: 'primary', onPress: { action: 'inc' } }),
                    ],
                }),
                state.count !== (props.start ?? 0)
                    ? jsx('button', {
                          label: 'Reset',
                          style: 'danger',
                          icon: 'close',
                          onPress: { action: 'reset' },
                          confirm: {
                              title: 'Reset?',
                              text: 'The count goes back to its start.',
                              confirm: 'Reset',
                              style: 'danger',
                          },
                      })
                    : null,
            ],
        }),
});

// The large workload: one row per item, so the cost is dominated by reading
// the state, building 1,000 elements and serializing them, not by fixed
// per-request overhead. The same component is written as .ckx in
// examples/bench_peer.rs; keep the two in step (the compare script checks
// that both sides answer byte-identical bodies).
//
// As .tsx it would read:
//   render: async ({ state }) => (
//       <block>
//           <vstack>
//               {state.items.map((item, i) => (
//                   <hstack align="center">
//                       <text>{item.label}</text>
//                       <button label={item.done ? 'Undo' : 'Done'}
//                               style={item.done ? 'secondary' : 'primary'}
//                               onPress={{ action: 'toggle', index: i }} />
//                   </hstack>
//               ))}
//           </vstack>
//       </block>
//   ),
export const list = createComponent({
    componentId: 'list',
    initialState: { items: [] },
    action: async (element, action) => {
        switch (action.action) {
            case 'toggle':
                return {
                    state: {
                        items: element.state.items.map((item, i) =>
                            i === action.index ? { ...item, done: !item.done } : item,
                        ),
                    },
                };
            default:
                return {};
        }
    },
    render: async ({ state }) =>
        jsx('block', {
            children: jsx('vstack', {
                children: state.items.map((item, i) =>
                    jsxs('hstack', {
                        align: 'center',
                        children: [
                            jsx('text', { children: item.label }),
                            jsx('button', {
                                label: item.done ? 'Undo' : 'Done',
                                style: item.done ? 'secondary' : 'primary',
                                onPress: { action: 'toggle', index: i },
                            }),
                        ],
                    }),
                ),
            }),
        }),
});
