import {
  ElAlert,
  ElButton,
  ElConfigProvider,
  ElDatePicker,
  ElDialog,
  ElForm,
  ElFormItem,
  ElInput,
  ElLoading,
  ElMenu,
  ElMenuItem,
  ElOption,
  ElPagination,
  ElSelect,
  ElSwitch,
  ElTable,
  ElTableColumn,
  ElTag,
} from 'element-plus';
import 'element-plus/dist/index.css';
import { createApp } from 'vue';
import App from './App.vue';
import './console.css';

// Only the components the views use (the whole kit would double what the browser loads and parses).
const app = createApp(App);
for (const component of [ElAlert, ElButton, ElConfigProvider, ElDatePicker, ElDialog, ElForm, ElFormItem, ElInput, ElMenu, ElMenuItem, ElOption, ElPagination, ElSelect, ElSwitch, ElTable, ElTableColumn, ElTag]) app.use(component);
app.use(ElLoading);
app.mount('#app');
